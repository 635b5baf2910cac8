"""programme bounded context: a tenant's programme rules and its self-assessment questionnaire."""
