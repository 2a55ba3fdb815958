"""Region-wide values of the indicators and the comparison of the region's municipalities."""
