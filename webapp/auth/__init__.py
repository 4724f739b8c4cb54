"""Who is asking: signing in and out (`routes`, blueprint `auth`, /auth/), the
signed-in user and the pseudonymous visitor id (`identity`), CSRF protection
(`csrf`) and `GET /api/me` (`api`, blueprint `auth_api`)."""
