"""The government information resource catalog (政务信息资源目录).

Pure core: :mod:`vocab` (controlled vocabularies), :mod:`codes` (resource
codes), :mod:`rules` (the regulation's cross-field rules), :mod:`duplicates`
(一数一源), :mod:`uscc` (GB 32100), :mod:`review` (review workflow and
deadlines). CKAN adapters: :mod:`validators`, :mod:`messages` and the workflow
actions.
"""
