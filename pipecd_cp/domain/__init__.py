"""Operations shared by the piped, API and web services (kept out of the servicers so one piece of
code serves every API that offers the same action)."""
