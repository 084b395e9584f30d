"""The web service: the applicant portal (server-rendered, GOV.UK Frontend) and the JSON API."""
