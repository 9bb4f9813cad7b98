"""Escaping for HTML and SVG text: what ``html.escape`` does, without importing the ``html``
package, whose table of entity names (for ``unescape``, never needed here) costs the HTML
report about a millisecond to load."""

# html.escape's replacements, "&" first so that the entities added are not escaped again.
_REPLACEMENTS = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def escape(text: str) -> str:
    """``text`` safe inside an element or a quoted attribute (as ``html.escape(text)``)."""
    for character, entity in _REPLACEMENTS:
        if character in text:
            text = text.replace(character, entity)
    return text
