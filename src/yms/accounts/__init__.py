"""Accounts: sign up, confirm by e-mail, sign in and out, reset a password, roles."""
