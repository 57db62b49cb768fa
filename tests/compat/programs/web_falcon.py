import falcon, falcon.testing, json
class Things:
    def on_get(self, req, resp, tid):
        resp.media = {"id": tid, "q": req.get_param_as_int("q", default=0)}
    def on_post(self, req, resp, tid):
        resp.status = falcon.HTTP_201; resp.media = {"echo": req.get_media(), "id": tid}
class Auth:
    def process_request(self, req, resp):
        if req.path.startswith("/private"):
            raise falcon.HTTPUnauthorized(title="no", description="token required")
app = falcon.App(middleware=[Auth()])
app.add_route("/things/{tid:int}", Things())
c = falcon.testing.TestClient(app)
r = c.simulate_get("/things/7", params={"q": "5"}); print(r.status, r.json)
r = c.simulate_post("/things/8", json={"a": 1}); print(r.status, r.json)
r = c.simulate_get("/private/x"); print(r.status, r.json)
r = c.simulate_get("/things/x"); print(r.status)
print(falcon.__version__.count(".") >= 1, falcon.util.misc.http_date_to_dt("Tue, 15 Nov 1994 12:45:26 GMT"))
try:
    import falcon.cyutil.misc as cy; print("cython", bool(cy))
except ImportError:
    print("pure")
