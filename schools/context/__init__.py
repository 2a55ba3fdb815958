"""School context data per year (контекстные данные): the import from the authority's workbook,
its template and the page that lists them."""
