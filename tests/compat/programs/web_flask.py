from flask import Flask, jsonify, request, render_template_string, abort
app = Flask("demo")

@app.route("/")
def index():
    return render_template_string("<h1>{{ t|upper }}</h1>{% for i in xs %}<li>{{ i }}</li>{% endfor %}", t="hi", xs=[1, 2])

@app.post("/sum")
def add():
    d = request.get_json()
    return jsonify(total=sum(d["xs"]), n=len(d["xs"]))

@app.route("/item/<int:i>")
def item(i):
    if i > 3:
        abort(404)
    return {"i": i, "sq": i * i}

c = app.test_client()
for r in (c.get("/"), c.post("/sum", json={"xs": [1, 2, 3]}), c.get("/item/2"), c.get("/item/9"), c.get("/nope")):
    print(r.status_code, r.headers["Content-Type"], r.get_data(as_text=True)[:80].strip())
with app.test_request_context("/x?a=1"):
    print(request.args["a"], request.path)
