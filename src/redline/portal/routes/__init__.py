"""Routes, one module per area. Each route declares who may use it through
``web.allow`` and, when it changes state, checks the CSRF token (``web.check_csrf``)."""
