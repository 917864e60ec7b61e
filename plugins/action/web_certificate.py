# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: voicesec.mivb.web_certificate in-process (docs in plugins/modules/web_certificate.py)."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import WebCertificateBackend
from ansible_collections.voicesec.mivb.plugins.plugin_utils.mivb_action import MivbAction, preload

# cryptography is the heavy import of this task (mivb_certs imports it lazily so the module
# file stays cheap); loaded here, at the top of the action file, the parent process pays it
# once and every forked worker inherits it.
preload(
    "cryptography.x509",
    "cryptography.hazmat.primitives.hashes",
    "cryptography.hazmat.primitives.serialization",
    "cryptography.hazmat.primitives.asymmetric.rsa",
)


class ActionModule(MivbAction):
    SPEC = mivb_specs.WEB_CERTIFICATE
    BACKEND = WebCertificateBackend
