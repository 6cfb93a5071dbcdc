#!/usr/bin/env python3
# Writes a planted corpus for secrets-bench.sh: N files, each holding secrets of many formats
# between ordinary lines, generated from a seeded PRNG (nothing real). Prints the count.
#   plant-secrets.py OUT_DIR [FILES] [SEED]
import base64, os, random, string, sys, zlib

out, files = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 19)
AL = string.ascii_letters + string.digits
def pick(a, n): return "".join(rng.choice(a) for _ in range(n))
def b62(v, w):
    d = string.digits + string.ascii_uppercase + string.ascii_lowercase; s = ""
    while v: s, v = d[v % 62] + s, v // 62
    return s.rjust(w, "0")
def gh(p):
    body = pick(AL, 30); return p + body + b62(zlib.crc32(body.encode()), 6)
def pem(label):
    lines = [pick(AL + "+/", 64) for _ in range(8)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, "\n".join(lines), label)
def jwt():
    enc = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
    return enc(b'{"alg":"HS256","typ":"JWT"}') + "." + enc(('{"sub":"%s"}' % pick(AL, 12)).encode()) + "." + pick(AL + "_-", 43)
gens = [
    lambda: "aws_access_key_id = AKIA" + pick(string.ascii_uppercase + "234567", 16),
    lambda: "aws_secret_access_key = " + pick(AL + "+/", 40),
    lambda: "GITHUB_TOKEN=" + gh("ghp_"),
    lambda: "token: " + gh("gho_"),
    lambda: "SLACK_BOT_TOKEN=xoxb-%s-%s-%s" % (pick(string.digits, 12), pick(string.digits, 13), pick(AL, 24)),
    lambda: "hook = https://hooks.slack.com/services/T%s/B%s/%s" % (pick(string.ascii_uppercase + string.digits, 10), pick(string.ascii_uppercase + string.digits, 10), pick(AL, 24)),
    lambda: "//registry.local/:_authToken=npm_" + pick(AL, 36),
    lambda: "GEMINI_API_KEY=AIza" + pick(AL + "_-", 35),
    lambda: "SENDGRID_API_KEY=SG.%s.%s" % (pick(AL + "_-", 22), pick(AL + "_-", 43)),
    lambda: "X-Shopify-Access-Token: shpat_" + pick("0123456789abcdef", 32),
    lambda: "OPENAI_API_KEY=sk-proj-%sT3BlbkFJ%s" % (pick(AL, 40), pick(AL, 40)),
    lambda: "ANTHROPIC_API_KEY=sk-ant-api03-%sAA" % pick(AL + "_-", 93),
    lambda: "DATABASE_URL=postgres://shop:%s@db.internal:5432/shop" % pick(AL, 18),
    lambda: "Authorization: Bearer " + jwt(),
    lambda: "STRIPE_KEY=sk_live_" + pick(AL, 24),
    lambda: "GITLAB_TOKEN=glpat-" + pick(AL, 20),
    lambda: "const apiKey = \"%s\";" % pick(AL, 32),
    lambda: pem("RSA PRIVATE KEY"),
    lambda: pem("OPENSSH PRIVATE KEY"),
    lambda: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=%s==;EndpointSuffix=core.windows.net" % pick(AL + "+/", 86),
]
os.makedirs(out, exist_ok=True)
n = 0
for i in range(files):
    with open(os.path.join(out, "planted%03d.txt" % i), "w") as f:
        for g in gens:
            f.write("// ordinary line before\n" + g() + "\n// ordinary line after\n\n"); n += 1
print(n)
