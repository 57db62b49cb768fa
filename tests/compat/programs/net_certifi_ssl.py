import certifi, ssl, os
p = certifi.where()
print(p, os.path.exists(p), certifi.contents()[:27])
ctx = ssl.create_default_context(cafile=p)
print(ctx.verify_mode, ctx.check_hostname, len(ctx.get_ca_certs()) > 50)
