from schools.access import access_for


def access(request):
    """The person's access, so that the navigation shows only what the role may use."""
    return {"access": access_for(getattr(request, "user", None))}
