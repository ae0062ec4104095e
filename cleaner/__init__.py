"""cleaner: strip boilerplate (donation banners, newsletter forms, bylines, related teasers,
page chrome) and repeated paragraphs from web text, leaving a clean corpus."""

from .api import Cleaner, RemovedBlock, Result
from .config import Config

__all__ = ["Cleaner", "Config", "RemovedBlock", "Result", "__version__"]
__version__ = "0.1.0"
