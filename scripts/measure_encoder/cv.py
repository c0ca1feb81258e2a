"""10-fold cross-validated macro-F1 of the complaint task with and without a sentence encoder.

Models, each refit on every training fold (nothing is tuned on a test fold):
  tfidf        logistic regression on TF-IDF words and bigrams + character 2-4-grams (the shape of
               carewatch's own model, in scikit-learn)
  encoder      logistic regression on the encoder's 512-d sentence embeddings
  stack        a logistic regression over both models' logits, trained on their out-of-fold
               predictions within the training fold (5-fold inner CV)
Each is scored at the 0.5 threshold and at a threshold chosen by inner CV of the training fold.

usage: cv.py TRAIN_CSV EMBEDDINGS_F32 SEEDS   (e.g. 1,2,3)
"""
import csv
import sys

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
texts = np.array([r["text"] for r in rows], dtype=object)
y = np.array([int(r["label"]) for r in rows])
E = np.fromfile(sys.argv[2], dtype=np.float32).reshape(len(y), 512).astype(np.float64)
E /= np.linalg.norm(E, axis=1, keepdims=True)
SEEDS = [int(s) for s in sys.argv[3].split(",")]
THRESHOLDS = np.round(np.arange(0.20, 0.801, 0.01), 2)


def tfidf(train):
    words = TfidfVectorizer(token_pattern=r"(?u)@\w+|\b\w\w+\b", ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    words.fit(texts[train])
    chars.fit(texts[train])
    return lambda idx: sp.hstack([words.transform(texts[idx]), chars.transform(texts[idx])]).tocsr()


def base(train, test):
    x = tfidf(train)
    p_tfidf = LogisticRegression(C=10, max_iter=2000).fit(x(train), y[train]).predict_proba(x(test))[:, 1]
    p_enc = LogisticRegression(C=10, max_iter=2000).fit(E[train], y[train]).predict_proba(E[test])[:, 1]
    return {"tfidf": p_tfidf, "encoder": p_enc}


def logits(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def best_threshold(truth, p):
    scores = [f1_score(truth, (p >= t).astype(int), average="macro") for t in THRESHOLDS]
    return THRESHOLDS[int(np.argmax(scores))]


def fold(seed, k, train, test):
    inner = StratifiedKFold(5, shuffle=True, random_state=1000 * seed + k)
    oof = {"tfidf": np.zeros(len(train)), "encoder": np.zeros(len(train))}
    for a, b in inner.split(train, y[train]):
        for name, p in base(train[a], train[b]).items():
            oof[name][b] = p
    out = base(train, test)
    result = {name: (out[name], best_threshold(y[train], oof[name])) for name in out}
    z_train = np.column_stack([logits(oof["tfidf"]), logits(oof["encoder"])])
    z_test = np.column_stack([logits(out["tfidf"]), logits(out["encoder"])])
    meta_oof = np.zeros(len(train))
    for a, b in StratifiedKFold(5, shuffle=True, random_state=7 + 1000 * seed + k).split(z_train, y[train]):
        meta_oof[b] = LogisticRegression().fit(z_train[a], y[train][a]).predict_proba(z_train[b])[:, 1]
    meta = LogisticRegression().fit(z_train, y[train])
    result["stack"] = (meta.predict_proba(z_test)[:, 1], best_threshold(y[train], meta_oof))
    return seed, test, result


jobs = [(s, k, tr, te) for s in SEEDS for k, (tr, te) in enumerate(StratifiedKFold(10, shuffle=True, random_state=s).split(texts, y))]
done = Parallel(n_jobs=-1)(delayed(fold)(*job) for job in jobs)
print(f"10-fold macro-F1, mean over fold splits {SEEDS} (range):")
for name in ("tfidf", "encoder", "stack"):
    for tuned in (False, True):
        scores = []
        for s in SEEDS:
            pred = np.zeros(len(y), dtype=int)
            for seed, test, result in done:
                if seed == s:
                    p, t = result[name]
                    pred[test] = (p >= (t if tuned else 0.5)).astype(int)
            scores.append(f1_score(y, pred, average="macro"))
        label = "threshold from inner CV" if tuned else "threshold 0.5"
        print(f"  {name:8} {label:24} {np.mean(scores):.4f} ({min(scores):.4f}-{max(scores):.4f})")
