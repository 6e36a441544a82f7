"""The Flask app a team would write around the pickled Pipeline, run by gunicorn (sync workers):
`gunicorn -w 2 -c gunicorn_conf.py serve_sklearn:app` with PADDOCK_BENCH_MODEL set.
"""
from flask import Flask, jsonify, request

from flights_model import decode_inputs, encode_outputs, load_model

app = Flask(__name__)
model = load_model()


@app.post("/v2/models/<name>/infer")
def infer(name):
    body = request.get_json()
    try:
        X = decode_inputs(body["inputs"])
    except (KeyError, TypeError, ValueError) as e:
        return jsonify({"error": str(e)}), 400
    return jsonify(encode_outputs(name, body.get("id"), model, X))
