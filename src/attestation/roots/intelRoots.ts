// Intel's production trust anchors, shipped with the package so that a production chain pins them
// without reading files (DESIGN.md sections 4 and 6: a production genesis pins Intel's root alone).
// Copied byte for byte from ../shared/vectors/attestation/roots/ (intelRoots.test.ts checks them).
//
// Intel SGX Root CA (DCAP): CN=Intel SGX Root CA, O=Intel Corporation, valid 2018-05-21..2049-12-31
//   SHA-256 44:A0:19:6B:2B:99:F8:89:B8:E1:49:E9:5B:80:7A:35:0E:74:24:96:43:99:E8:85:A7:CB:B8:CC:FA:B6:74:D3
//   CRL: https://certificates.trustedservices.intel.com/IntelSGXRootCA.der
// Intel SGX Attestation Report Signing CA (IAS, EPID): valid 2016-11-14..2049-12-31
//   SHA-256 7B:42:E4:1E:C4:3B:91:DB:83:4A:06:5D:E4:F9:8A:13:C4:4D:69:55:70:E8:39:CF:A8:92:1E:58:4E:40:73:5D

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** DER of the Intel SGX Root CA, the trust anchor of every DCAP (SGX and TDX) quote. */
export const INTEL_SGX_ROOT_CA_DER: Uint8Array = fromBase64(
  'MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIwaDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJv' +
    'b3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ' +
    'BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0Ex' +
    'GjAYBgNVBAoMEUludGVsIENvcnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT' +
    'AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi71OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL' +
    '0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOBuzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ' +
    'MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50ZWwuY29tL0ludGVsU0dYUm9vdENBLmRl' +
    'cjAdBgNVHQ4EFgQUImUM1lqdNInzg7SVUr9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI' +
    'KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwgAiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZ' +
    'UGOdRQ7cvqRXaqI=',
);

/** DER of the Intel SGX Attestation Report Signing CA, the trust anchor of IAS reports. */
export const INTEL_IAS_SIGNING_CA_DER: Uint8Array = fromBase64(
  'MIIFSzCCA7OgAwIBAgIJANEHdl0yo7CUMA0GCSqGSIb3DQEBCwUAMH4xCzAJBgNVBAYTAlVTMQswCQYDVQQIDAJDQTEUMBIG' +
    'A1UEBwwLU2FudGEgQ2xhcmExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0aW9uMTAwLgYDVQQDDCdJbnRlbCBTR1ggQXR0ZXN0' +
    'YXRpb24gUmVwb3J0IFNpZ25pbmcgQ0EwIBcNMTYxMTE0MTUzNzMxWhgPMjA0OTEyMzEyMzU5NTlaMH4xCzAJBgNVBAYTAlVT' +
    'MQswCQYDVQQIDAJDQTEUMBIGA1UEBwwLU2FudGEgQ2xhcmExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0aW9uMTAwLgYDVQQD' +
    'DCdJbnRlbCBTR1ggQXR0ZXN0YXRpb24gUmVwb3J0IFNpZ25pbmcgQ0EwggGiMA0GCSqGSIb3DQEBAQUAA4IBjwAwggGKAoIB' +
    'gQCfPGR+tXc8u1EtJzLA10Feu1Wg+p7eLmSRmeaCHbkQ1TF3Nwl3RmpqXkeGzNLd69QUnWovYyVSndEMyYc3sHecGgfinEeh' +
    'rgBJSEdsSJ9FpaFdesjsxqzGRa20PYdnnfWcCTvFoulpbFR4VBuXnnVLVzkUvlXTL/TAnd8nIZk0zZkFJ7P5LtePvykkar7L' +
    'cSQO85wtcQe0R1Raf/sQ6wYKaKmFgCGeNpEJUmg4ktal4qgIAxk+QHUxQE42sxViN5mqglB0QJdUot/o9a/V/mMeH8KvOAiQ' +
    'byinkNndn+Bgk5sSV5DFgF0DffVqmVMblt5p3jPtImzBIH0QQrXJq39AT8cRwP5HafuVeLHcDsRp6hol4P+ZFIhu8mmbI1u0' +
    'hH3W/0C2BuYXB5PC+5izFFh/nP0lc2Lf6rELO9LZdnOhpL1ExFOq9H/B8tPQ84T3Sgb4nAifDabNt/zu6MmCGo5U8lwEFtGM' +
    'RoOaX4AS+909x00lYnmtwsDVWv9vBiJCXRsCAwEAAaOByTCBxjBgBgNVHR8EWTBXMFWgU6BRhk9odHRwOi8vdHJ1c3RlZHNl' +
    'cnZpY2VzLmludGVsLmNvbS9jb250ZW50L0NSTC9TR1gvQXR0ZXN0YXRpb25SZXBvcnRTaWduaW5nQ0EuY3JsMB0GA1UdDgQW' +
    'BBR4Q3t2pn680K9+QjfrNXw7hwFRPDAfBgNVHSMEGDAWgBR4Q3t2pn680K9+QjfrNXw7hwFRPDAOBgNVHQ8BAf8EBAMCAQYw' +
    'EgYDVR0TAQH/BAgwBgEB/wIBADANBgkqhkiG9w0BAQsFAAOCAYEAeF8tYMXICvQqeXYQITkV2oLJsp6J4JAqJabHWxYJHGir' +
    'IEqucRiJSSx+HjIJEUVaj8E0QjEud6Y5lNmXlcjqRXaCPOqK0eGRz6hi+ripMtPZsFNaBwLQVV905SDjAzDzNIDnrcnXyB4g' +
    'cDFCvwDFKKgLRjOB/WAqgscDUoGq5ZVizLUzTqiQPmULAQaB9c6Oti6snEFJiCQ67JLyW/E83/frzCmO5Ru6WjU4tmsmy8Ra' +
    'Ud4APK0wZTGtfPXU7w+IBdG5Ez0kE1qzxGQaL4gINJ1zMyleDnbuS8UicjJijvqA152Sq049ESDz+1rRGc2NVEqh1KaGXmtX' +
    'vqxXcTB+Ljy5Bw2ke0v8iGngFBPqCTVB3op5KBG3RjbF6RRSzwzuWfL7QErNC8WEy5yDVARzTA5+xmBc388v9Dm21HGfcC8O' +
    'DD+gT9sSpssq0ascmvH49MOgjt1yoysLtdCtJW/9FZpoOypaHx0R+mJTLwPXVMrvDaVzWh5aiEx+idkSGMnX',
);

/** Where Intel publishes the Root CA's CRL (its CRL distribution point). */
export const INTEL_SGX_ROOT_CA_CRL_URL = 'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der';
