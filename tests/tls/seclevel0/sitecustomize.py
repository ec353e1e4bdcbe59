"""tests/tls/seclevel0/sitecustomize.py: lets the test TLS server (tests/lib/netserver.py) present
the weak chains keydrop must refuse (RSA 1024, SHA-1 signatures). Python sets OpenSSL security level
2, which refuses to load or send such a certificate; a real misconfigured server has no such guard.
tests/interop/tls_chains.t puts this directory on PYTHONPATH only for the rows marked @SECLEVEL0@:
their context runs at level 0 with Python's own cipher list otherwise."""
import ssl

_load = ssl.SSLContext.load_cert_chain


def _load_weak(self, *args, **kwargs):
    self.set_ciphers(ssl._DEFAULT_CIPHERS.replace("@SECLEVEL=2", "@SECLEVEL=0"))
    return _load(self, *args, **kwargs)


ssl.SSLContext.load_cert_chain = _load_weak
