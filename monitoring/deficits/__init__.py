"""The deficit–resource map (карта дефицитов и ресурсов): for each direction and indicator of an
approved zoning method, the schools in deficit (red), the schools that are a resource (green, with a
recorded good practice), and the pairs suggested between them."""
