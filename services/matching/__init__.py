"""matching bounded context: the weights a tenant gives each match criterion."""
