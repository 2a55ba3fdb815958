"""Analysis of results (анализ): indicators, zoning methods, campaigns, the overview."""
