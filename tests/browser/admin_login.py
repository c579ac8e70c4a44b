"""Logging in to the admin in a real browser, for the browser tests."""

PASSWORD = "a-long-test-password-42"


def log_in(browser, live_server, username, width=None):
    """A page of a new context (own cookies), logged in to the admin as ``username``;
    ``width`` sets a 900 px high window of that width, else the browser's default."""
    context = browser.new_context(**({"viewport": {"width": width, "height": 900}} if width else {}))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    return page
