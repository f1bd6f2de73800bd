"""The WordPress import, one module a job; wordpress.importer runs them item by item."""
