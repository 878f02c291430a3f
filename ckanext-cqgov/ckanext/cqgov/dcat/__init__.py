"""DCAT / DCAT-AP 3 output (and input) of the catalog, as a ckanext-dcat profile."""
