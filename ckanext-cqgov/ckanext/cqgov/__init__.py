"""ckanext-cqgov: the Chongqing government information resource sharing and
opening platform, as a CKAN 2.11 extension."""
