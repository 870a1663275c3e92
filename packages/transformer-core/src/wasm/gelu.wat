;; GELU (tanh form, as GPT-2 and nanoGPT) and its derivative for the training forward/backward on the wasm backend,
;; with wasm SIMD (128-bit), in place of the ~12 tfjs elementwise passes (tfjs-wasm's Tanh alone is ~20 ns/element).
;;
;;   gelu(x, y, n):           y = 0.5 x (1 + tanh(u)),  u = c (x + a x^3),  c = sqrt(2/pi), a = 0.044715
;;   gelu_grad(x, dy, dx, n): dx = dy (0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2)),  t = tanh(u)
;;
;; Pointers are byte offsets of f32 arrays in the imported memory; n is a count of floats (any n: a scalar tail).
;; tanh(u) = sign(u) (1 - e) / (1 + e) with e = exp(-2|u|) (Cephes expf: range reduction by ln 2, degree-6
;; polynomial); its absolute error is ~1e-7, which is what GELU needs (the tanh term is added to 1). exp's clamp is
;; f32x4.pmax (one instruction, NaN stays NaN) and 2^k comes from k's float bits (k + 1.5 * 2^23 holds k in its low
;; mantissa bits): V8 compiles both to fewer instructions than f32x4.max and trunc_sat (3.5 -> 3.05 ns per element).
(module
  (import "env" "memory" (memory 1))

  (func $exp4 (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.pmax (local.get $x) (f32x4.splat (f32.const -87.3))))
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (f32x4.splat (f32.const 1))))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.sub (f32x4.add (local.get $k) (f32x4.splat (f32.const 12582912))) (i32x4.splat (i32.const 0x4B3FFF81))) (i32.const 23))))

  ;; tanh(c (x + a x^3)) for four lanes
  (func $tanh_u (param $x v128) (result v128)
    (local $u v128) (local $e v128) (local $t v128)
    (local.set $u (f32x4.mul (f32x4.add (local.get $x)
      (f32x4.mul (f32x4.mul (f32x4.mul (local.get $x) (local.get $x)) (local.get $x)) (f32x4.splat (f32.const 0.044715))))
      (f32x4.splat (f32.const 0.7978845608028654))))
    (local.set $e (call $exp4 (f32x4.mul (f32x4.abs (local.get $u)) (f32x4.splat (f32.const -2)))))
    (local.set $t (f32x4.div (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $e)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $e))))
    ;; copy the sign of u onto t (NaN stays NaN)
    (v128.or (v128.and (local.get $t) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
             (v128.and (local.get $u) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))

  (func $gelu4 (param $x v128) (result v128)
    (f32x4.mul (f32x4.mul (local.get $x) (f32x4.splat (f32.const 0.5)))
               (f32x4.add (f32x4.splat (f32.const 1)) (call $tanh_u (local.get $x)))))

  (func $grad4 (param $x v128) (param $dy v128) (result v128)
    (local $t v128) (local $x2 v128)
    (local.set $t (call $tanh_u (local.get $x)))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (f32x4.mul (local.get $dy)
      (f32x4.add
        (f32x4.mul (f32x4.add (local.get $t) (f32x4.splat (f32.const 1))) (f32x4.splat (f32.const 0.5)))
        (f32x4.mul
          (f32x4.mul (f32x4.mul (local.get $x) (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $t) (local.get $t))))
                     (f32x4.splat (f32.const 0.3989422804014327)))
          (f32x4.add (f32x4.mul (local.get $x2) (f32x4.splat (f32.const 0.134145))) (f32x4.splat (f32.const 1)))))))

  (func (export "gelu") (param $x i32) (param $y i32) (param $n i32)
    (local $o i32) (local $nb i32) (local $nv i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $nv (i32.and (local.get $nb) (i32.const -16)))
    (block $v1 (loop $v
      (br_if $v1 (i32.ge_u (local.get $o) (local.get $nv)))
      (v128.store (i32.add (local.get $y) (local.get $o)) (call $gelu4 (v128.load (i32.add (local.get $x) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $v)))
    (block $t1 (loop $t
      (br_if $t1 (i32.ge_u (local.get $o) (local.get $nb)))
      (f32.store (i32.add (local.get $y) (local.get $o))
        (f32x4.extract_lane 0 (call $gelu4 (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $o)))))))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $t))))

  (func (export "gelu_grad") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32)
    (local $o i32) (local $nb i32) (local $nv i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $nv (i32.and (local.get $nb) (i32.const -16)))
    (block $v1 (loop $v
      (br_if $v1 (i32.ge_u (local.get $o) (local.get $nv)))
      (v128.store (i32.add (local.get $dx) (local.get $o))
        (call $grad4 (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $dy) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $v)))
    (block $t1 (loop $t
      (br_if $t1 (i32.ge_u (local.get $o) (local.get $nb)))
      (f32.store (i32.add (local.get $dx) (local.get $o))
        (f32x4.extract_lane 0 (call $grad4 (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $o))))
                                           (f32x4.splat (f32.load (i32.add (local.get $dy) (local.get $o)))))))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $t)))))
