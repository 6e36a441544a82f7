"""The FastAPI app a team would write around the pickled Pipeline, run by uvicorn workers under
gunicorn (FastAPI's documented production setup): `gunicorn -w 2 -k uvicorn.workers.UvicornWorker
-c gunicorn_conf.py serve_fastapi:app` with PADDOCK_BENCH_MODEL set. The request is a pydantic
model, as FastAPI apps declare them; the handler is `async def` so a prediction (well under a
millisecond) runs on the event loop rather than paying a thread-pool hop.
"""
from typing import List, Optional, Union

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from flights_model import decode_inputs, encode_outputs, load_model

app = FastAPI()
model = load_model()


class InferInput(BaseModel):
    name: str
    shape: List[int]
    datatype: str
    data: List[Union[int, float, str]]


class InferRequest(BaseModel):
    id: Optional[str] = None
    inputs: List[InferInput]


@app.post("/v2/models/{name}/infer")
async def infer(name: str, body: InferRequest):
    try:
        X = decode_inputs([i.dict() for i in body.inputs])
    except ValueError as e:
        raise HTTPException(status_code=400, detail=str(e))
    return encode_outputs(name, body.id, model, X)
