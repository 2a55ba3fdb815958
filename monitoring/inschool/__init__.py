"""Analysis inside a school (анализ в школе): by class, task by task against the municipality, by
ОВЗ and, where the school supplies the list, by teacher. Shown to the school and to its
municipality's methodists and officials only, never on public pages or in regional comparisons."""
