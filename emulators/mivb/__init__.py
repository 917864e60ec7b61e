"""Emulated Mitel MiVoice Business controllers (management API contract v1).

README
======
Implements `docs/management-api.md` over real HTTPS, plus the SIP TLS and IP Sets TLS
listeners, for as many controllers as a spec names, all in one process.

Run (docs/lab.md)::

    python -m emulators.mivb serve --spec .lab/mivb.json

    {"controllers": [{"name": "mivb1", "address": "127.0.1.1", "https_port": 8443,
      "sip_tls_port": 5061, "ip_sets_tls_port": 6901, "state_dir": ".lab/mivb1",
      "test_hooks": true}]}

It prints one line per controller, e.g.
``mivb mivb1: https://127.0.1.1:8443 sip_tls=5061 ip_sets_tls=6901 state=.lab/mivb1``, then
``mivb: N controller(s) ready in 0.05s`` once every port listens, serves until SIGTERM/SIGINT,
prints ``mivb: stopped`` and exits 0. A port of 0 picks a free port (printed); a TLS port of
null disables that listener. Relative state dirs are relative to the working directory.
Unknown spec keys are ignored with a warning on stderr.

Python API (tests)::

    from emulators.mivb.server import ControllerSpec, start_controllers
    with start_controllers([ControllerSpec("m1", "127.0.3.1", str(tmp), https_port=0,
                                           sip_tls_port=0, ip_sets_tls_port=0,
                                           test_hooks=True)]) as handle:
        rc = handle["m1"]   # .https_port .sip_tls_port .ip_sets_tls_port .base_url .controller

``start_controllers(specs) -> EmulatorHandle`` binds every port before it returns (a bad or
busy address raises ``OSError`` and nothing keeps running); ``handle["m1"]`` /
``handle.controllers`` / iterating give ``RunningController`` objects; ``handle.stop()`` closes
listeners and live connections. Missing factory certificates are generated in the background
(RSA 2048, two threads); a handshake or certificate read that comes first generates that
controller's certificate on the spot, so nobody has to wait.

State dir (an empty one = factory state): ``state.json`` (configuration, salted password and
secret hashes, lockouts), ``audit.jsonl``, ``web_cert.pem`` / ``web_key.pem`` /
``web_chain.pem`` (the factory self-signed web certificate is ``web_cert.pem`` after the
first start), ``device_*.pem``. Every write is atomic (temp file + rename).

Layers (one way; ``tests/unit/emulators/test_mivb_layers.py`` checks every import)
------------------------------------------------------------------------------------
- model: ``errors clock passwords spec store`` < ``forms toll_forms sip_accounts certs tls sessions faults factory``
  < ``controller`` (state, sessions, lockout, certificates, audit trail, faults, clock)
  < ``access hotel_logs``. The model knows nothing of HTTP.
- ``request`` (Request, Response, body_dict) < handlers ``api_*`` (``api_sip``: SIP accounts; each takes the controller
  and a Request) < ``routes`` (the route table) < ``http_api`` (dispatch of one request)
  and ``maintenance`` (the SSH shell) < ``server`` (wires each controller's HTTPS listener to
  the route table) < ``__main__``.

Behaviour worth knowing
-----------------------
- Factory (Security Guidelines 9.4): user ``system`` / ``password`` (policy ROOT, must change
  password), strength Weak, all application TLS levels High ("the default settings for all
  applications is High"), admin HTTPS TLS 1.0-1.2 (TLS 1.2 only is the SO4819 setting, off) with
  the guideline's eight suites, device certificate ``mitel_legacy`` (one legacy key per process,
  as the real legacy certificate is one for all); VM Options passcode 4 / lockout 3 minutes /
  forward to email cleartext port 25.
- ``model`` (spec; default ``Virtual (vMiVB)``): only the guideline's WAN platforms (3300 ICP AX,
  CX-II, CXi-II, MxIII) have the ``wan_settings``, ``pptp`` and ``port_forward_table`` forms
  (WAN Access Enabled, PPTP Disabled with a blank password, empty table of at most 40 entries).
- Optional controller-to-controller TLS listener (spec key ``c2c_tls_port``, absent = off):
  serves the Device Certificate with its chain, level of ``ip_trunks`` (CERT-03).
- Password strength (see ``passwords.py``): Strong = guideline rule (15-20, >= 2 each of
  upper/lower/digit/special); Medium = 8-20 with upper, lower and digit; Weak = 6-20.
  Allowed characters: A-Z a-z 0-9 and `` `~!@#$%^&*()-_=+ ``.
- 3 consecutive failed logins: the third answers 423 and locks for 30 minutes (audit
  ``Lockout``); earlier failures answer 401 with ``attempts_remaining``.
- Profiles created with ``PUT /user_profiles/{u}`` do not have to change their password.
- TLS 1.3 is never offered (the cipher list would not govern it); TLS 1.0/1.1 use
  ``@SECLEVEL=0``. Certificates/TLS settings apply from the next handshake.
- Optional maintenance SSH (spec key ``maintenance_ssh_port``, absent = off; not in the lab
  spec yet): ROOT-policy profiles log in to an MSL-like shell, ``/sysro/bin/mtce-term``
  enters the MTCE shell with ``LOGS READ HOTEL [ALL|NEW n|OLD n] [MATCH s]`` (ends with
  ``N HOTEL log(s) displayed``) and ``LOGS PURGE HOTEL [ALL|NEW n|OLD n]`` (``N HOTEL log(s)
  purged``, audited). Factory: 24 synthetic occupancy logs. See ``maintenance.py`` (LOG-05).
- Call control (``toll_forms.py``): Class of Service Options (sample CoS 1-4, "PC-Port on IP
  Device - Disable" No), Class of Restriction (empty, at most 64), Interconnect Restriction
  (empty). SIP accounts (``sip_accounts.py``): only a SHA-256 SIP digest and the length of each
  password are kept; ``verify-secret`` answers whether candidates match, never which.
- A state file written by an older emulator gets the forms and fields it lacks at factory values.
- Test hooks (``test_hooks: true``):
  ``POST /_emulator/hotel_logs {"count": n}`` adds occupancy logs;
  ``/_emulator/faults``: ``status`` 0 drops the connection, null only delays; ``when``
  ``before`` = request not processed, ``after`` = processed but the answer is replaced;
  ``count`` null = until cleared;
  ``/_emulator/clock``: GET, POST ``advance_seconds``;
  ``/_emulator/stats``: ``logins``, ``requests``, ``writes`` (successful PATCH/PUT/DELETE/POST
  other than login/logout/verify-secret), ``handshakes`` per listener.
"""
