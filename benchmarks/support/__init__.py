"""What more than one benchmark needs; a package, so `scripts/bench` does not run it."""
