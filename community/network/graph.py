"""The network analysis under its former name: everything lives in community.network.analysis."""

from community.network.analysis import *  # noqa: F403
from community.network.analysis import __all__  # noqa: F401
