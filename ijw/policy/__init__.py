"""Municipal policy as dated data: rule packs and the deciders that apply them.

:mod:`ijw.policy.pack` reads a pack (TOML), :mod:`ijw.policy.continuity` holds
the zorgcontinuïteit checks, :mod:`ijw.policy.decisions` applies them to the
whole store (writing through :mod:`ijw.policy.bulk`), :mod:`ijw.policy.report`
and :mod:`ijw.policy.explain` show the outcome, :mod:`ijw.policy.exports` makes
the messages the policy calls for, :mod:`ijw.policy.referrals` loads the
referral register. :mod:`ijw.policy.api` is the surface, :mod:`ijw.policy.cli`
the commands.
"""
