"""The page «Настройки уведомлений»: each person chooses, for themselves only, how each kind reaches
them by e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from roadmaps.notifications import services
from roadmaps.notifications.forms import PreferencesForm
from roadmaps.notifications.selectors import preferences_for


@login_required
def notification_settings(request):
    # No one's id in the address: the page reads and writes the signed-in person's choices only.
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.notification_preferences_save(user=request.user, deliveries=form.cleaned_data)
            messages.success(request, "Настройки уведомлений сохранены")
            return redirect("execution:notification_settings")
    else:
        form = PreferencesForm(initial={kind: delivery for kind, _label, delivery in preferences_for(request.user)})
    return render(request, "notifications/settings.html", {"form": form})
