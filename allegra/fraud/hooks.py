"""What happens to an order when staff approve or cancel its held fraud assessment: a plain registry, no Django
signals, so the order of calls and their failures are explicit.

The orders app registers one callable at startup (e.g. in its AppConfig.ready)::

    from allegra.fraud.hooks import review_hooks

    @review_hooks.register
    def act_on_review(*, order_reference: str, decision: str) -> None:
        # decision is "approve" (release the order) or "cancel" (cancel it, refund/void the payment)
        ...

Hooks run inside the review's transaction, after the assessment is updated and audited: a hook that raises rolls
the whole review back (the assessment stays held, no audit entry), so a review never half-happens.
"""

from __future__ import annotations

from collections.abc import Callable

ReviewHook = Callable[..., None]


class ReviewHooks:
    def __init__(self) -> None:
        self._hooks: list[ReviewHook] = []

    def register(self, hook: ReviewHook) -> ReviewHook:
        """Adds `hook(*, order_reference, decision)`; registering the same callable twice keeps one. Returns it,
        so it works as a decorator."""
        if hook not in self._hooks:
            self._hooks.append(hook)
        return hook

    def unregister(self, hook: ReviewHook) -> None:
        if hook in self._hooks:
            self._hooks.remove(hook)

    def run(self, *, order_reference: str, decision: str) -> None:
        for hook in list(self._hooks):
            hook(order_reference=order_reference, decision=decision)


review_hooks = ReviewHooks()
