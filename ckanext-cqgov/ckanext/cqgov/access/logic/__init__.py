"""CKAN actions and auth functions of the access subpackage."""
