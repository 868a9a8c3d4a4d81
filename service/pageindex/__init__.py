"""The page index: the rows browsing pages read (lists, search, facets, appearances), in SQLite
beside the graph and kept in step with it. See index.py (the tables), derive.py (quads to rows),
keeper.py (staying in step with a store) and read.py (what pages ask)."""
from service.pageindex.index import PageIndex
from service.pageindex.keeper import pages_for

__all__ = ["PageIndex", "pages_for"]
