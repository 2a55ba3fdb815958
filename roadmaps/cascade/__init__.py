"""«Довести до муниципалитетов»: a regional roadmap brought down to the municipalities of its region."""
