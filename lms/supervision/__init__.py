"""Weekly supervision of mentors by licensed clinicians: sessions, leave, the weekly rule."""
