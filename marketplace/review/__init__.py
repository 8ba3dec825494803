"""Staff review of confusable skill names.

A new skill whose name is confusable with another owner's skill (Warehouse's
"ultranormalized" comparison: ``t0asting`` and ``toasting``) is held: its upload is stored,
but the skill stays out of the index, the catalog and the API until marketplace staff
approve it (``/v1/staff/name-reviews``). A rejected skill stays hidden and refuses further
uploads, so the look-alike name cannot be used. Other domains ask
:func:`marketplace.review.service.hidden_skill_ids` and never read the table themselves.
"""
