"""Desensitization (脱敏) of tabular data before it is opened to the public.

The pure core (no CKAN imports):

* ``detectors`` finds personal identifiers in text, in bulk over polars
  Series, validating check characters (GB 11643, GB 32100, Luhn), dates and
  area codes; ``verify`` holds the independent scalar validators (python-stdnum)
  used by the residual scan and the tests;
* ``columns`` classifies whole columns (data items, header hints, sampling);
* ``operators`` masks, pseudonymizes, generalizes, suppresses or replaces;
* ``kanon`` computes k-anonymity over quasi-identifier columns;
* ``engine`` streams CSV / XLSX / JSON through all of it and writes UTF-8 CSV,
  JSON and XLSX copies plus a report.
"""
