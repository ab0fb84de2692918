"""Golden values for sorting and selection, the scatter/index family, cumulative ops, einsum and cdist.

Each case runs a named call (tests/select.test.ts holds the same call under the same name) on the
recorded inputs and records its outputs; when inputs require grad, the gradients of
sum(output * upstream) over the float outputs, with the upstream recorded too. Error cases
record PyTorch 1.13's message. Ties are avoided where PyTorch leaves their order unspecified
(unstable sort, topk, kthvalue); stable sorts test them.
"""
import torch
import torch.nn.functional as F

from _common import encode, write

D = torch.float64
nan, inf = float("nan"), float("inf")


def t(values, dtype=D):
    return torch.tensor(values, dtype=dtype)


def ar(*shape, dtype=D, shift=0.0, scale=1.0, perm=True):
    """Distinct values in a scrambled order (a fixed permutation), so sorts have work and no ties."""
    n = 1
    for s in shape:
        n *= s
    order = [(i * 7 + 3) % n for i in range(n)] if perm and n % 7 else list(range(n))
    return (torch.tensor(order, dtype=D) * scale - shift).reshape(shape).to(dtype)


def L(values):
    return torch.tensor(values, dtype=torch.int64)


def upstream(y):
    n = y.numel()
    return ((torch.arange(n, dtype=D) * 0.37) % 1.0 - 0.5).reshape(y.shape).to(y.dtype)


def outputs(r):
    if isinstance(r, torch.Tensor):
        return [r]
    return [x for x in r]


CASES = []


def case(name, fn, inputs, grad=()):
    xs = [x.clone().requires_grad_(i in grad) for i, x in enumerate(inputs)]
    outs = outputs(fn(*xs))
    rec = {"name": name, "inputs": [encode(x) for x in inputs], "grad": list(grad), "outputs": [encode(o) for o in outs]}
    if grad:
        ups = [upstream(o) if o.requires_grad else None for o in outs]
        loss = sum((o * u).sum() for o, u in zip(outs, ups) if u is not None)
        loss.backward()
        rec["upstream"] = [encode(u) if u is not None else None for u in ups]
        rec["grads"] = [encode(xs[i].grad) for i in grad]
    CASES.append(rec)


def error(name, fn, inputs):
    try:
        fn(*inputs)
    except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raised
        CASES.append({"name": name, "inputs": [encode(x) for x in inputs], "error": str(e).split("\n")[0]})
        return
    raise AssertionError(f"{name}: PyTorch raised nothing")


def sorting():
    x = ar(3, 5, shift=7)
    case("sort", lambda a: torch.sort(a), [x], (0,))
    case("sort dim0 descending", lambda a: torch.sort(a, 0, True), [x], (0,))
    case("sort float32", lambda a: a.sort(dim=1), [ar(4, 9, dtype=torch.float32, shift=11, scale=0.5)], (0,))
    ties = t([[2, 1, 2, nan, 1, -0.0, 0.0, -inf, inf, nan], [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]])
    case("sort stable ties nan", lambda a: torch.sort(a, stable=True), [ties])
    case("sort stable ties nan float32", lambda a: torch.sort(a, stable=True), [ties.float()])
    case("sort stable descending", lambda a: torch.sort(a, stable=True, descending=True), [ties])
    case("sort stable descending float32", lambda a: torch.sort(a, stable=True, descending=True), [ties.float()])
    case("sort int64", lambda a: torch.sort(a, descending=True, stable=True), [L([[5, -3, 9, 9, 0], [1, 2, 1, 2, 1]])])
    case("sort bool", lambda a: torch.sort(a, stable=True), [torch.tensor([True, False, True, False])])
    case("sort 0-d", lambda a: torch.sort(a), [t(3.5)], (0,))
    case("sort empty", lambda a: torch.sort(a, 0), [torch.zeros(0, 3, dtype=D)])
    case("argsort", lambda a: torch.argsort(a, 1, True), [ar(3, 5)])
    case("argsort stable", lambda a: torch.argsort(a, stable=True, dim=0), [ties.t().contiguous()])
    case("msort", lambda a: torch.msort(a), [ar(4, 3)], (0,))
    case("topk", lambda a: torch.topk(a, 3), [ar(3, 5)], (0,))
    case("topk smallest dim0", lambda a: torch.topk(a, 2, 0, False), [ar(4, 3)], (0,))
    case("topk nan", lambda a: torch.topk(a, 2), [t([1.0, nan, 3.0, -1.0])])
    case("topk k=0", lambda a: torch.topk(a, 0), [ar(2, 3)])
    case("kthvalue", lambda a: torch.kthvalue(a, 2, 1), [ar(3, 5)], (0,))
    case("kthvalue keepdim dim0", lambda a: torch.kthvalue(a, 3, 0, True), [ar(4, 3)], (0,))
    case("kthvalue 0-d", lambda a: torch.kthvalue(a, 1), [t(2.0)], (0,))
    u = t([[2, 1, 3], [1, 2, 3], [2, 1, 3], [0, 0, 0]])
    case("unique", lambda a: torch.unique(a), [u])
    case("unique inverse counts", lambda a: torch.unique(a, return_inverse=True, return_counts=True), [u])
    case("unique int64 counts", lambda a: torch.unique(a, return_counts=True), [L([3, 1, 3, 3, -2])])
    case("unique dim0", lambda a: torch.unique(a, dim=0, return_inverse=True, return_counts=True), [u])
    case("unique dim1", lambda a: torch.unique(a, dim=1, return_inverse=True), [t([[1, 0, 1, 0], [2, 5, 2, 5]])])
    case("nonzero", lambda a: torch.nonzero(a), [t([[0, 1.5, 0], [2, 0, -1]])])
    case("nonzero as_tuple", lambda a: torch.nonzero(a, as_tuple=True), [t([[0, 1.5, 0], [2, 0, -1]])])
    case("nonzero 0-d", lambda a: torch.nonzero(a), [t(3.0)])
    case("nonzero 0-d as_tuple", lambda a: torch.nonzero(a, as_tuple=True), [t(3.0)])
    case("nonzero bool 3-d", lambda a: a.nonzero(), [torch.tensor([[[True, False], [False, True]], [[True, True], [False, False]]])])
    seq = t([1, 3, 3, 5, 7])
    vals = t([[0, 3, 6], [7, 8, 3]])
    case("searchsorted", lambda s, v: torch.searchsorted(s, v), [seq, vals])
    case("searchsorted right", lambda s, v: torch.searchsorted(s, v, right=True), [seq, vals])
    case("searchsorted side right", lambda s, v: torch.searchsorted(s, v, side="right"), [seq, vals])
    case("searchsorted rows", lambda s, v: torch.searchsorted(s, v), [t([[1, 2, 3], [10, 20, 30]]), t([[2, 2.5], [5, 40]])])
    case("searchsorted sorter", lambda s, v, o: torch.searchsorted(s, v, sorter=o), [t([5, 1, 3, 7]), t([3, 6]), L([1, 2, 0, 3])])
    case("searchsorted scalar", lambda s: torch.searchsorted(s, 4), [seq])
    case("searchsorted nan", lambda s, v: torch.searchsorted(s, v), [t([1, 2, nan]), t([nan, 1.5, inf])])


def scattering():
    x = ar(3, 4, scale=0.5)
    idx = L([[0, 2, 1, 0], [2, 0, 0, 1]])
    src = ar(2, 4, shift=3)
    case("scatter", lambda a, i, s: torch.scatter(a, 0, i, s), [x, idx, src], (0, 2))
    case("scatter dim1 small index", lambda a, i, s: a.scatter(1, i, s), [x, L([[3, 0], [1, 2], [0, 1]]), ar(3, 2)], (0, 2))
    case("scatter src larger than index", lambda a, i, s: a.scatter(1, i, s), [x, L([[3, 0], [1, 2]]), ar(3, 5)])
    case("scatter value", lambda a, i: torch.scatter(a, 0, i, 9.5), [x, idx], (0,))
    case("scatter reduce add", lambda a, i, s: torch.scatter(a, 0, i, s, reduce="add"), [x, idx, src])
    case("scatter reduce multiply", lambda a, i, s: torch.scatter(a, 0, i, s, reduce="multiply"), [x, idx, src])
    case("scatter value reduce multiply", lambda a, i: torch.scatter(a, 0, i, 2.0, reduce="multiply"), [x, idx])
    case("scatter_ in place", lambda a, i, s: a.clone().scatter_(0, i, s), [x, idx, src])
    case("scatter_add", lambda a, i, s: torch.scatter_add(a, 0, i, s), [x, idx, src], (0, 2))
    case("scatter_add_ in place", lambda a, i, s: a.clone().scatter_add_(1, i, s), [x, L([[0, 0], [3, 3], [1, 0]]), ar(3, 2)])
    i1 = L([2, 0, 2])
    case("index_add", lambda a, i, s: torch.index_add(a, 0, i, s), [x, i1, ar(3, 4, shift=2)], (0, 2))
    case("index_add alpha dim1", lambda a, i, s: a.index_add(1, L([3, 1]), s, alpha=-2.5), [x, i1, ar(3, 2)], (0, 2))
    case("index_add_ in place", lambda a, i, s: a.clone().index_add_(0, i, s), [x, i1, ar(3, 4)])
    case("index_copy", lambda a, i, s: torch.index_copy(a, 0, i, s), [x, L([2, 0]), ar(2, 4, shift=5)], (0, 2))
    case("index_copy dim1", lambda a, s: a.index_copy(1, L([1, 3]), s), [x, ar(3, 2, shift=5)], (0, 1))
    case("index_copy_ in place", lambda a, s: a.clone().index_copy_(0, L([1]), s), [x, ar(1, 4)])
    case("index_fill", lambda a: torch.index_fill(a, 1, L([0, 2]), -1.5), [x], (0,))
    case("index_fill negative index", lambda a: a.index_fill(0, L([-1]), 4.0), [x], (0,))
    case("index_fill tensor value", lambda a, v: a.index_fill(1, L([3, 1]), v), [x, t(2.5)], (0, 1))
    case("index_fill_ in place", lambda a: a.clone().index_fill_(0, L([0, 2]), 7.0), [x])
    mask = torch.tensor([[True, False, True, False], [False, False, True, True], [True, False, False, False]])
    case("masked_scatter", lambda a, m, s: torch.masked_scatter(a, m, s), [x, mask, ar(7, shift=10)], (0, 2))
    case("masked_scatter broadcast mask", lambda a, m, s: a.masked_scatter(m, s), [x, mask[0], ar(2, 4)], (0, 2))
    case("masked_scatter_ in place", lambda a, m, s: a.clone().masked_scatter_(m, s), [x, mask, ar(6)])
    case("take_along_dim", lambda a, i: torch.take_along_dim(a, i, 1), [x, L([[0, 3], [1, 1], [2, 0]])], (0,))
    case("take_along_dim argsort", lambda a: torch.take_along_dim(a, a.argsort(0), 0), [x], (0,))
    case("take_along_dim broadcast", lambda a, i: torch.take_along_dim(a, i, 0), [x, L([[2], [0]])], (0,))
    case("take_along_dim flat", lambda a, i: torch.take_along_dim(a, i), [x, L([11, 0, 5])], (0,))
    case("one_hot", lambda i: F.one_hot(i), [L([[0, 2], [1, 1]])])
    case("one_hot num_classes", lambda i: F.one_hot(i, 5), [L([4, 0, 2])])


def cumulative():
    x = ar(3, 4, shift=5, scale=0.5)
    case("cumsum", lambda a: torch.cumsum(a, 1), [x], (0,))
    case("cumsum dim0", lambda a: a.cumsum(0), [x], (0,))
    case("cumsum int64", lambda a: torch.cumsum(a, 0), [L([3, -1, 4, 1])])
    case("cumsum bool", lambda a: torch.cumsum(a, 0), [torch.tensor([True, False, True])])
    case("cumsum dtype", lambda a: torch.cumsum(a, 0, dtype=torch.float64), [L([1, 2, 3])])
    case("cumsum 0-d", lambda a: torch.cumsum(a, 0), [t(2.5)], (0,))
    case("cumsum_ in place", lambda a: a.clone().cumsum_(1), [x])
    case("cumprod", lambda a: torch.cumprod(a, 1), [ar(3, 4, shift=4.5, scale=0.5)], (0,))
    zeros = t([[2, 0, 3, 4], [0, 5, 0, 2], [1.5, -2, 3, 0], [0, 0, 2, 3]])
    case("cumprod zeros", lambda a: torch.cumprod(a, 1), [zeros], (0,))
    case("cumprod zeros dim0", lambda a: torch.cumprod(a, 0), [zeros], (0,))
    case("cumprod int64", lambda a: torch.cumprod(a, 0), [L([3, -1, 4, 2])])
    case("cumprod_ in place", lambda a: a.clone().cumprod_(0), [zeros])
    case("diff", lambda a: torch.diff(a), [ar(3, 5, scale=1.5)], (0,))
    case("diff n=2 dim0", lambda a: torch.diff(a, n=2, dim=0), [ar(4, 3) ** 2], (0,))
    case("diff prepend append", lambda a, p, q: torch.diff(a, 1, 1, p, q), [ar(2, 3), ar(2, 1), ar(2, 2, shift=4)], (0, 1, 2))
    case("diff bool", lambda a: torch.diff(a), [torch.tensor([True, False, False, True])])
    case("diff int64 n=2", lambda a: torch.diff(a, n=2), [L([1, 5, 2])])
    case("diff n too large", lambda a: torch.diff(a, n=5), [L([1, 5, 2])])
    case("tril", lambda a: torch.tril(a), [ar(3, 4)], (0,))
    case("tril diagonal", lambda a: a.tril(-1), [ar(2, 3, 4)], (0,))
    case("triu", lambda a: torch.triu(a), [ar(4, 3)], (0,))
    case("triu diagonal", lambda a: a.triu(2), [ar(3, 5)], (0,))
    case("triu int64", lambda a: a.triu(1), [L([[1, 2, 3], [4, 5, 6]])])
    case("tril_ in place", lambda a: a.clone().tril_(1), [ar(3, 3)])
    case("triu_ in place", lambda a: a.clone().triu_(-1), [ar(3, 3)])


def einsums():
    a, b = ar(3, 4, shift=5, scale=0.25), ar(4, 5, shift=9, scale=0.125)
    case("einsum mm", lambda x, y: torch.einsum("ij,jk->ik", x, y), [a, b], (0, 1))
    case("einsum mm list", lambda x, y: torch.einsum("ij,jk", [x, y]), [a, b], (0, 1))
    case("einsum bmm", lambda x, y: torch.einsum("bij,bjk->bik", x, y), [ar(2, 3, 4, scale=0.1), ar(2, 4, 5, shift=3, scale=0.1)], (0, 1))
    case("einsum attention", lambda q, k: torch.einsum("bhqd,bhkd->bhqk", q, k), [ar(2, 2, 3, 4, scale=0.05), ar(2, 2, 5, 4, shift=1, scale=0.05)], (0, 1))
    case("einsum dot", lambda x, y: torch.einsum("i,i->", x, y), [ar(5), ar(5, shift=2)], (0, 1))
    case("einsum transpose", lambda x: torch.einsum("ij->ji", x), [a], (0,))
    case("einsum diagonal", lambda x: torch.einsum("ii->i", x), [ar(4, 4)], (0,))
    case("einsum trace", lambda x: torch.einsum("ii", x), [ar(4, 4)], (0,))
    case("einsum outer", lambda x, y: torch.einsum("i,j->ij", x, y), [ar(3), ar(4, shift=1)], (0, 1))
    case("einsum outer implicit", lambda x, y: torch.einsum("i,j", x, y), [ar(3), ar(4, shift=1)], (0, 1))
    case("einsum hadamard", lambda x, y: torch.einsum("ij,ij->ij", x, y), [a, a.flip(0)], (0, 1))
    case("einsum sum all", lambda x: torch.einsum("ij->", x), [a], (0,))
    case("einsum column sums", lambda x: torch.einsum("ij->j", x), [a], (0,))
    case("einsum implicit sorted", lambda x: torch.einsum("ba", x), [a], (0,))
    case("einsum uppercase first", lambda x, y: torch.einsum("Ab,bC", x, y), [a, b], (0, 1))
    case("einsum ellipsis", lambda x, y: torch.einsum("...ij,...jk", x, y), [ar(2, 3, 4, scale=0.1), ar(4, 5, scale=0.1)], (0, 1))
    case("einsum ellipsis batch dot", lambda x, y: torch.einsum("...i,...i->...", x, y), [ar(2, 3), ar(1, 3, shift=1)], (0, 1))
    case("einsum ellipsis middle", lambda x: torch.einsum("i...j->j...i", x), [ar(2, 3, 4)], (0,))
    case("einsum ellipsis ranks differ", lambda x, y: torch.einsum("i...,i...", x, y), [ar(2, 3), ar(2, 1, 3)], (0, 1))
    case("einsum ellipsis summed", lambda x: torch.einsum("...->", x), [ar(2, 3)], (0,))
    case("einsum broadcast size 1", lambda x, y: torch.einsum("ij,kj->ik", x, y), [a, ar(2, 1)], (0, 1))
    case("einsum three operands", lambda x, y, z: torch.einsum("ij,jk,kl->il", x, y, z), [ar(2, 3, scale=0.5), ar(3, 4, scale=0.25), ar(4, 2, shift=3)], (0, 1, 2))
    case("einsum bilinear", lambda x, w, y: torch.einsum("bn,anm,bm->ba", x, w, y), [ar(2, 3), ar(4, 3, 2, scale=0.1), ar(2, 2, shift=1)], (0, 1, 2))
    case("einsum batch diagonal", lambda x: torch.einsum("bii->bi", x), [ar(2, 3, 3)], (0,))
    case("einsum repeated in both", lambda x, y: torch.einsum("ii,ij->j", x, y), [ar(3, 3), ar(3, 2)], (0, 1))
    case("einsum spaces", lambda x, y: torch.einsum("a b , b c -> a c", x, y), [a, b], (0, 1))
    case("einsum int64", lambda x, y: torch.einsum("ij,jk", x, y), [L([[1, 2], [3, 4]]), L([[1, 0], [2, 1]])])


def distances():
    x1, x2 = ar(4, 3, shift=5, scale=0.5), ar(5, 3, shift=3, scale=0.75)
    case("cdist", lambda a, b: torch.cdist(a, b), [x1, x2], (0, 1))
    case("cdist p=1", lambda a, b: torch.cdist(a, b, p=1), [x1, x2], (0, 1))
    case("cdist p=inf", lambda a, b: torch.cdist(a, b, p=inf), [x1, x2], (0, 1))
    case("cdist p=3", lambda a, b: torch.cdist(a, b, p=3), [x1, x2], (0, 1))
    case("cdist p=0.5", lambda a, b: torch.cdist(a, b, p=0.5), [x1, x2], (0, 1))
    case("cdist p=0", lambda a, b: torch.cdist(a, b, p=0), [x1, x2])
    case("cdist batched broadcast", lambda a, b: torch.cdist(a, b), [ar(2, 4, 3, scale=0.3), ar(1, 5, 3, shift=2, scale=0.4)], (0, 1))
    big1, big2 = ar(30, 4, shift=50, scale=0.25), ar(27, 4, shift=20, scale=0.5)
    case("cdist mm path", lambda a, b: torch.cdist(a, b), [big1, big2], (0, 1))
    case("cdist mm path float32", lambda a, b: torch.cdist(a, b), [big1.float(), big2.float()], (0, 1))
    case("cdist use_mm", lambda a, b: torch.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), [x1, x2], (0, 1))
    case("cdist donot_use_mm", lambda a, b: torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist"), [big1, big2], (0, 1))
    case("cdist equal rows", lambda a, b: torch.cdist(a, b), [t([[1, 2], [3, 4]]), t([[1, 2], [0, 0]])], (0, 1))


def errors():
    x = torch.zeros(3, 4, dtype=D)
    s = torch.ones(3, 4, dtype=D)
    error("sort dim out of range", lambda a: torch.sort(a, 3), [x])
    error("topk k too large", lambda a: torch.topk(a, 5), [x])
    error("topk bool", lambda a: torch.topk(a, 1), [x.bool()])
    error("kthvalue k too large", lambda a: torch.kthvalue(a, 5), [x])
    error("kthvalue k zero", lambda a: torch.kthvalue(a, 0), [x])
    error("kthvalue bool", lambda a: torch.kthvalue(a, 1), [x.bool()])
    error("unique dim of 0-d", lambda a: torch.unique(a, dim=0), [t(3.0)])
    error("nonzero as_tuple out", lambda a, o: torch.nonzero(a, as_tuple=True, out=o), [x, L([0])])
    error("searchsorted side", lambda s, v: torch.searchsorted(s, v, side="middle"), [t([1, 2]), t([1])])
    error("searchsorted side right opposite", lambda s, v: torch.searchsorted(s, v, right=True, side="left"), [t([1, 2]), t([1])])
    error("searchsorted shapes", lambda s, v: torch.searchsorted(s, v), [torch.ones(2, 3, dtype=D), torch.ones(3, 1, dtype=D)])
    error("searchsorted scalar rows", lambda s: torch.searchsorted(s, 1), [torch.ones(2, 3, dtype=D)])
    error("searchsorted sorter size", lambda s, v, o: torch.searchsorted(s, v, sorter=o), [t([1, 2, 3]), t([1]), L([0, 1])])
    error("scatter index out of bounds", lambda a, i, b: a.scatter(0, i, b), [x, L([[0, 1, 2, 5]]), s])
    error("scatter negative index", lambda a, i: a.scatter(0, i, 1.0), [x, L([[-1]])])
    error("scatter float index", lambda a, i, b: a.scatter(0, i, b), [x, t([[0, 1]]), s])
    error("scatter index dims", lambda a, i, b: a.scatter(0, i, b), [x, L([0, 1]), s])
    error("scatter index too large", lambda a, i, b: a.scatter(0, i, b), [x, torch.zeros(4, 4, dtype=torch.int64), s])
    error("scatter src dtype", lambda a, i, b: a.scatter(0, i, b), [x, L([[0]]), s.float()])
    error("scatter reduce name", lambda a, i, b: a.scatter(0, i, b, reduce="max"), [x, L([[0]]), s])
    error("scatter_add index out of bounds", lambda a, i, b: a.scatter_add(0, i, b), [x, L([[0, 1, 2, 5]]), s])
    error("index_add index out of bounds", lambda a, i, b: a.index_add(0, i, b), [x, L([0, 5]), torch.ones(2, 4, dtype=D)])
    error("index_add negative index", lambda a, i, b: a.index_add(0, i, b), [x, L([-1]), torch.ones(1, 4, dtype=D)])
    error("index_add count", lambda a, i, b: a.index_add(0, i, b), [x, L([0, 1]), s])
    error("index_add float index", lambda a, i, b: a.index_add(0, i, b), [x, t([0, 1]), torch.ones(2, 4, dtype=D)])
    error("index_add source dtype", lambda a, i, b: a.index_add(0, i, b), [x, L([0, 1]), torch.ones(2, 4)])
    error("index_add index 2-d", lambda a, i, b: a.index_add(0, i, b), [x, L([[0]]), torch.ones(1, 4, dtype=D)])
    error("index_copy index out of bounds", lambda a, i, b: a.index_copy(0, i, b), [x, L([0, 5]), torch.ones(2, 4, dtype=D)])
    error("index_copy count", lambda a, i, b: a.index_copy(0, i, b), [x, L([0, 1]), s])
    error("index_copy float index", lambda a, i, b: a.index_copy(0, i, b), [x, t([0, 1]), torch.ones(2, 4, dtype=D)])
    error("index_copy slice shapes", lambda a, i, b: a.index_copy(0, i, b), [x, L([0]), torch.ones(1, 5, dtype=D)])
    error("index_fill index out of bounds", lambda a, i: a.index_fill(0, i, 1), [x, L([0, 5])])
    error("index_fill float index", lambda a, i: a.index_fill(0, i, 1), [x, t([0, 1])])
    error("index_fill value dims", lambda a, i, v: a.index_fill(0, i, v), [x, L([0]), t([1, 2])])
    error("masked_scatter too few", lambda a, m, b: a.masked_scatter(m, b), [x, torch.ones(3, 4, dtype=torch.bool), torch.ones(3, dtype=D)])
    error("masked_scatter dtype", lambda a, m, b: a.masked_scatter(m, b), [x, torch.ones(3, 4, dtype=torch.bool), torch.ones(12)])
    error("take_along_dim index out of bounds", lambda a, i: torch.take_along_dim(a, i, 1), [x, L([[0, 5]])])
    error("take_along_dim float index", lambda a, i: torch.take_along_dim(a, i, 1), [x, t([[0, 1]])])
    error("take_along_dim dims", lambda a, i: torch.take_along_dim(a, i, 1), [x, L([0, 1])])
    error("one_hot too large", lambda i: F.one_hot(i, 3), [L([0, 3])])
    error("one_hot negative", lambda i: F.one_hot(i, 3), [L([0, -1])])
    error("one_hot float", lambda i: F.one_hot(i), [t([0, 1])])
    error("one_hot empty", lambda i: F.one_hot(i), [L([])])
    error("cumsum dim out of range", lambda a: torch.cumsum(a, 2), [x])
    error("diff 0-d", lambda a: torch.diff(a), [t(1.0)])
    error("diff prepend dims", lambda a, p: torch.diff(a, prepend=p), [x, torch.ones(3, dtype=D)])
    error("tril vector", lambda a: torch.tril(a), [torch.ones(3, dtype=D)])
    error("einsum size mismatch", lambda a: torch.einsum("ij,jk->ik", a, a), [x])
    error("einsum fewer operands", lambda a: torch.einsum("ij,jk", a), [x])
    error("einsum more operands", lambda a, b: torch.einsum("ij", a, b), [x, torch.ones(2, dtype=D)])
    error("einsum output not in inputs", lambda a: torch.einsum("ij->k", a), [x])
    error("einsum subscripts count", lambda a: torch.einsum("ijk->ij", a), [x])
    error("einsum output repeated", lambda a: torch.einsum("ij->iij", a), [x])
    error("einsum repeated sizes", lambda a: torch.einsum("ii->i", a), [x])
    error("einsum invalid subscript", lambda a: torch.einsum("i2->i", a), [x])
    error("einsum invalid subscript in output", lambda a, b: torch.einsum("i,i->i->", a, b), [torch.ones(2, dtype=D), torch.ones(2, dtype=D)])
    error("einsum stray dot", lambda a: torch.einsum("i.j", a), [x])
    error("einsum ellipsis broadcast", lambda a, b: torch.einsum("i...,i...", a, b), [torch.ones(2, 3, dtype=D), torch.ones(2, 3, 4, dtype=D)])
    error("einsum dtypes", lambda a, b: torch.einsum("i,i", a, b), [L([1, 2]), torch.ones(2, dtype=D)])
    error("cdist columns", lambda a, b: torch.cdist(a, b), [x, torch.ones(2, 3, dtype=D)])
    error("cdist integer", lambda a, b: torch.cdist(a, b), [L([[1, 2]]), L([[1, 2]])])
    error("cdist 1-d", lambda a, b: torch.cdist(a, b), [torch.ones(4, dtype=D), torch.ones(2, 4, dtype=D)])
    error("cdist negative p", lambda a, b: torch.cdist(a, b, p=-1), [x, torch.ones(2, 4, dtype=D)])
    error("cdist compute_mode", lambda a, b: torch.cdist(a, b, compute_mode="foo"), [x, torch.ones(2, 4, dtype=D)])
    y = torch.ones(3, 4, dtype=D, requires_grad=True)
    error("scatter reduce backward", lambda a, i, b: a.scatter(0, i, b, reduce="add").sum().backward(), [y, L([[0, 1]]), s])


def main():
    sorting()
    scattering()
    cumulative()
    einsums()
    distances()
    errors()
    write("select", CASES)


if __name__ == "__main__":
    main()
