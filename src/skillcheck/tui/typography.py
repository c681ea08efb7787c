"""Keep no-break spaces unbroken when Textual wraps text.

French puts a no-break space before : ; ? ! and inside « ». Textual 8.2 wraps
Content with Rich's `divide_line`, whose word pattern (`\\s*\\S+\\s*`) breaks at
any Unicode space, so a line could start with ": ce n'est pas un examen". We make
no-break spaces part of the word around them.
"""

from __future__ import annotations

import re

from rich import _wrap

NO_BREAK_SPACES = "\u00a0\u202f\u2007"

_wrap.re_word = re.compile(rf"\s*[^\s]+(?:[{NO_BREAK_SPACES}]+[^\s]+)*\s*")
