vigie attest: the organisation's attestation key, and the check of a signed
attestation of exposure (the kind `vigie serve` hands out after the public
check's one-time code). tests/data/attest/sample.json was signed by vigie with
tests/data/attest/test.key (the seed 00 01 02 ... 1f, for tests only).

  $ cp $TESTDIR/../data/attest/test.key test.key
  $ chmod 600 test.key
  $ cp $TESTDIR/../data/attest/sample.json sample.json

A new key: created 0600, never overwritten.

  $ vigie attest keygen --key org.key
  Clé d'attestation créée : org.key (mode 0600, à garder secrète)
  Identifiant de clé : [0-9a-f]{16} (re)
  Clé publique à publier (vigie attest pubkey) :
  -----BEGIN PUBLIC KEY-----
  MCowBQYDK2VwAyEA[A-Za-z0-9+/]{43}= (re)
  -----END PUBLIC KEY-----
  $ stat -c %a org.key
  600
  $ vigie attest keygen --key org.key
  vigie attest: clé non créée : cannot create key file org.key: File exists
  [3]
  $ VIGIE_ATTEST_KEY=env.key vigie --lang en attest keygen --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["key"], len(d["key_id"]))'
  env.key 16

The public key, as PEM that openssl reads, and as JSON:

  $ vigie attest pubkey --key test.key | tee test.pem
  -----BEGIN PUBLIC KEY-----
  MCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=
  -----END PUBLIC KEY-----
  $ openssl pkey -pubin -in test.pem -noout -text | head -1
  ED25519 Public-Key:
  $ vigie attest pubkey --key test.key --json
  {
    "algorithm": "Ed25519",
    "key_id": "9d24e2eeaf27c2a0",
    "public_key": "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
    "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n-----END PUBLIC KEY-----\n"
  }
  $ chmod 644 test.key
  $ vigie attest pubkey --key test.key
  vigie attest: clé illisible : attestation key file test.key is accessible to group or others (mode 0644); refusing to use it: run chmod 600 test.key, and consider the key compromised if others could read it
  [3]
  $ chmod 600 test.key

A valid attestation, checked against the public key or the key file:

  $ vigie attest verify sample.json --pubkey test.pem
  Attestation valide : intacte, signée par la clé 9d24e2eeaf27c2a0.
  Émise par : France Travail, le 2026-01-01T00:00:00Z
  Fuite : Fuite France Travail 2024 (2024-02-06 – 2024-03-05)
  Identifiant : v***@g***.com (email)
  Données exposées : Nom et prénom, Numéro de sécurité sociale (NIR), Date de naissance, Adresse électronique, Numéro de téléphone
  Sources : France Travail
  $ vigie --lang en attest verify sample.json --key test.key | tail -2
  Data exposed: Name, Social security number (NIR), Date of birth, Email address, Phone number
  Sources: France Travail
  $ vigie attest verify sample.json --pubkey test.pem --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["valid"], d["key_id"], d["document"]["identifier"]["masked"])'
  True 9d24e2eeaf27c2a0 v***@g***.com

Layout does not matter, values do:

  $ python3 -c 'import json; print(json.dumps(json.load(open("sample.json")), sort_keys=True))' > compact.json
  $ vigie attest verify compact.json --pubkey test.pem > /dev/null
  $ sed 's/"nir",/"sex",/' sample.json > tampered.json
  $ vigie attest verify tampered.json --pubkey test.pem
  vigie attest: tampered.json : attestation INVALIDE : bad signature: the document or the signature was changed
  [1]
  $ sed 's/"special_category": false/"special_category": true/' sample.json > tampered2.json
  $ vigie --lang en attest verify tampered2.json --pubkey test.pem --json
  {
    "valid": false,
    "key_id": "9d24e2eeaf27c2a0",
    "error": "bad signature: the document or the signature was changed"
  }
  [1]
  $ sed 's/"value": "aRrZ/"value": "bRrZ/' sample.json > badsig.json
  $ vigie attest verify badsig.json --pubkey test.pem 2>&1 | grep -c INVALIDE
  1
  $ vigie attest verify sample.json --key org.key
  vigie attest: sample.json : attestation INVALIDE : bad signature: signed with key 9d24e2eeaf27c2a0, not with the trusted key [0-9a-f]{16} (re)
  [1]
  $ head -c 200 sample.json > truncated.json
  $ vigie attest verify truncated.json --pubkey test.pem 2>&1 | sed 's/(line.*//'
  vigie attest: truncated.json : attestation INVALIDE : not JSON 
  $ vigie attest verify truncated.json --pubkey test.pem > /dev/null 2>&1
  [1]

Unreadable: the file, the key.

  $ vigie attest verify missing.json --pubkey test.pem
  vigie attest: impossible de lire missing.json : No such file or directory
  [3]
  $ echo nonsense > bad.pem
  $ vigie attest verify sample.json --pubkey bad.pem
  vigie attest: clé publique illisible : bad.pem : not a public key: 6 bytes, an Ed25519 key has 32
  [3]
  $ vigie attest verify sample.json
  vigie attest: pas de clé de confiance (--pubkey FICHIER) : cannot open attestation key file vigie-attest.key: No such file or directory
  [3]

Usage errors:

  $ vigie attest
  vigie attest: sous-commande manquante : keygen, pubkey ou verify
  Aide : vigie help attest
  [2]
  $ vigie attest sign x
  vigie attest: sous-commande inconnue : 'sign' (keygen, pubkey ou verify)
  Aide : vigie help attest
  [2]
  $ vigie attest verify
  vigie attest: verify attend un FICHIER
  Aide : vigie help attest
  [2]
  $ vigie attest verify a b --pubkey test.pem
  vigie attest: argument inattendu : 'b'
  Aide : vigie help attest
  [2]
  $ vigie attest pubkey --pubkey test.pem
  vigie attest: --pubkey ne sert qu'à verify
  Aide : vigie help attest
  [2]
  $ vigie attest --help | head -1
  Usage : vigie attest keygen [--key FICHIER] [--json]
  $ vigie --help | grep -E '^  attest '
    attest       attestations d'exposition signées : clé (keygen, pubkey), vérification

Any Ed25519 implementation checks vigie's signature: the signed bytes are the
"document" member in JCS (RFC 8785), which Python's json.dumps gives with
sorted keys, compact separators and no ASCII escaping. openssl verifies them:

  $ cat > jcs.py <<'PY'
  > import base64, json, sys
  > a = json.load(open(sys.argv[1]))
  > open("doc.bin", "wb").write(json.dumps(a["document"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
  > open("sig.bin", "wb").write(base64.b64decode(a["signature"]["value"]))
  > PY
  $ python3 jcs.py sample.json
  $ openssl pkeyutl -verify -pubin -inkey test.pem -rawin -in doc.bin -sigfile sig.bin
  Signature Verified Successfully
  $ python3 jcs.py tampered.json
  $ openssl pkeyutl -verify -pubin -inkey test.pem -rawin -in doc.bin -sigfile sig.bin
  Signature Verification Failure
  [1]

And the other way: a document signed by openssl with the same key (its PKCS#8
form built from the seed) is valid for vigie.

  $ cat > sign.py <<'PY'
  > import base64, json, subprocess
  > seed = bytes.fromhex(open("test.key").read().strip())
  > der = bytes.fromhex("302e020100300506032b657004220420") + seed
  > open("sk.pem", "w").write("-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PRIVATE KEY-----\n")
  > a = json.load(open("sample.json"))
  > a["document"]["organisation"] = "Exemple é"
  > open("doc.bin", "wb").write(json.dumps(a["document"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
  > sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", "sk.pem", "-rawin", "-in", "doc.bin"], capture_output=True, check=True).stdout
  > a["signature"]["value"] = base64.b64encode(sig).decode()
  > json.dump(a, open("openssl.json", "w"), ensure_ascii=False)
  > PY
  $ python3 sign.py
  $ vigie attest verify openssl.json --pubkey test.pem | head -2
  Attestation valide : intacte, signée par la clé 9d24e2eeaf27c2a0.
  Émise par : Exemple é, le 2026-01-01T00:00:00Z
