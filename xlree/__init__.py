"""xlree: export competitiveness analytics for Excel.

Three methods, pure numpy/pandas underneath and thin Excel layers on top:

- constant-market-share decomposition of export growth (:mod:`xlree.cms`);
- the entropy weight method for an indicator system (:mod:`xlree.entropy`);
- revealed comparative advantage and its relatives (:mod:`xlree.rca`).
"""

from xlree._validation import XlreeError, XlreeWarning

__version__ = "0.1.0"

__all__ = ["XlreeError", "XlreeWarning", "__version__"]
