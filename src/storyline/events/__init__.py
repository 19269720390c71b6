"""Events: who did what to whom, where and when (PLOVER types), merged across reports."""
