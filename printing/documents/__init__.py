"""The documents the counter hands out, keyed by the names the `dengji print` command uses.

Each module has a data dataclass, `build(data) -> bytes` (a PDF), TEMPLATE_VERSION, and
`example()` returning fictional data for demos and samples.
"""

from types import ModuleType

from printing.documents import (
    agency_list,
    commitment,
    contact_sheet,
    deregistration_notice,
    monthly_report,
    policy_list,
    registration_form,
    service_list,
)

DOCUMENTS: dict[str, ModuleType] = {
    "registration-form": registration_form,
    "commitment": commitment,
    "policy-list": policy_list,
    "service-list": service_list,
    "agency-list": agency_list,
    "deregistration-notice": deregistration_notice,
    "contact-sheet": contact_sheet,
    "monthly-report": monthly_report,
}
