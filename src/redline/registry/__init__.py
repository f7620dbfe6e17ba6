"""The registry: the signatories of the Frontier AI Safety Commitments, their published
frameworks encoded in redline's schema, and how those frameworks compare.

Library API (:mod:`redline.registry.api`): :func:`signatories`, :func:`signatory`,
:func:`framework_path`, :func:`load_registry_framework`, :func:`framework_text`.

Layer: beside ``decide``, above ``framework``; owns the registry data and its API
(``publish`` only renders it). May import only ``framework``.
"""

from redline.registry.api import (
    RegistryLookupError,
    framework_path,
    framework_text,
    load_registry_framework,
    signatories,
    signatory,
)

__all__ = [
    "RegistryLookupError",
    "framework_path",
    "framework_text",
    "load_registry_framework",
    "signatories",
    "signatory",
]
