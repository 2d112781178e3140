"""Common legal ground, the pure cores: no web or database imports.

- :mod:`.elements`: the conduct elements (behaviour, purpose, intent, context, exclusion), aligned with UNODC's
  International Classification of Crime for Statistical Purposes (ICCS), and code checks with suggestions;
- :mod:`.facts`: the legal facts as plain values (what :mod:`liaison.queries.legal_facts` reads from the database)
  and the answers the cores give;
- :mod:`.basis`: the legal-basis finder; :mod:`.dual`: the conduct-based dual-criminality check;
- :mod:`.compare`: the offence crosswalk, gap report and definition comparator;
- :mod:`.drafting`: a request's completeness check; :mod:`.strategy`: the national-strategy checklist;
- :mod:`.seed`: the instruments, their provisions and the international offence models.
"""
