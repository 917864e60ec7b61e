# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vocabularies of the MiVB management API contract (docs/management-api.md, form
system_security_management) and the guideline's cipher list (Security Guidelines 9.4,
"TLS cipher suites"): what the toolkit validates against and the emulator's forms accept.

Names both sides must spell the same, not behaviour: the emulator imports this module as
`plugins.module_utils.mivb_contract` (standard library only, no collection loader); how a
value is validated or applied stays each side's own code, proved against the other by the
tests (a refused PATCH, a real TLS handshake).
"""

from __future__ import annotations

TLS_APPLICATIONS = (
    "sip",
    "ip_sets",
    "ip_trunks",
    "trusted_applications",
    "system_data_synchronization",
    "mitai",
    "data_services",
)
TLS_LEVELS = ("High", "Low", "Legacy")
PASSWORD_STRENGTHS = ("Weak", "Medium", "Strong")
# The guideline's eight suites, in its order (OpenSSL names).
GUIDELINE_CIPHERS = (
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-SHA384",
    "AES256-GCM-SHA384",
    "AES256-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-SHA256",
    "AES128-GCM-SHA256",
    "AES128-SHA256",
)

# SMDR Options (LOG-02). The guideline ("SMDR Options") names Station Message Detail Recording,
# Program External SMDR, Program Internal SMDR and Location Based Accounting, and says a Yes/No
# option left empty defaults to "No". The other three are options of the same SAT form described
# in the MiVB System Administration Tool help ("SMDR Extended Reporting": Level 1, Level 2 only
# with Level 1; "Report Internal Unanswered Calls").
YES_NO = ("Yes", "No")
SMDR_FIELDS = (
    "station_message_detail_recording",
    "program_external_smdr",
    "program_internal_smdr",
    "location_based_accounting",
    "extended_reporting_level_1",
    "extended_reporting_level_2",
    "report_internal_unanswered_calls",
)
