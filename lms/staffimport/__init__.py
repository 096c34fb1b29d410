"""The staff CSV import: people with their credentials, experience, licences, leave and past
employment, in one file. Above staff, eligibility, clinicians and supervision: it composes them."""
