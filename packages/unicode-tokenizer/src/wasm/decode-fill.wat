;; The inner loop of decode: each token's UTF-8 bytes (at most 15) and its length (byte 15) sit in one 16-byte
;; table slot; one load gives both, one unaligned 128-bit store writes the bytes (the slack is overwritten by the
;; next token), and the output advances by the length. Four ids per round with one combined check. wasm SIMD.
;;
;;   fill(ids, i, n, V, table, out, k, cap) -> the index where it stopped; the byte count k is stored at address 0.
;;
;; ids: u32 [n]; table: 16 bytes per id, length 255 = not here (longer than 15 bytes, or a lossless escape);
;; out: bytes, of which k are written. Stops at n, at an id >= V, at a length 255, or when k + 16 > cap, leaving
;; that id to the caller (which reports a bad id, copies a long token, or makes room) and calls again.
(module
  (import "env" "memory" (memory 1))
  (func (export "fill")
    (param $ids i32) (param $i i32) (param $n i32) (param $V i32) (param $table i32)
    (param $out i32) (param $k i32) (param $cap i32) (result i32)
    (local $p i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128)
    (local $la i32) (local $lb i32) (local $lc i32) (local $ld i32)
;; four at a time while all four are ordinary and fit, else one at a time up to the next multiple of 4
    (block $stop
      (loop $outer
        (block $quad_done
          (loop $quad
            (br_if $quad_done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
            (br_if $quad_done (i32.gt_u (i32.add (local.get $k) (i32.const 64)) (local.get $cap)))
            (local.set $p (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $a (i32.load (local.get $p)))
            (local.set $b (i32.load offset=4 (local.get $p)))
            (local.set $c (i32.load offset=8 (local.get $p)))
            (local.set $d (i32.load offset=12 (local.get $p)))
            (br_if $quad_done (i32.or (i32.or (i32.ge_u (local.get $a) (local.get $V)) (i32.ge_u (local.get $b) (local.get $V)))
                                      (i32.or (i32.ge_u (local.get $c) (local.get $V)) (i32.ge_u (local.get $d) (local.get $V)))))
            (local.set $va (v128.load (i32.add (local.get $table) (i32.shl (local.get $a) (i32.const 4)))))
            (local.set $vb (v128.load (i32.add (local.get $table) (i32.shl (local.get $b) (i32.const 4)))))
            (local.set $vc (v128.load (i32.add (local.get $table) (i32.shl (local.get $c) (i32.const 4)))))
            (local.set $vd (v128.load (i32.add (local.get $table) (i32.shl (local.get $d) (i32.const 4)))))
            (local.set $la (i8x16.extract_lane_u 15 (local.get $va)))
            (local.set $lb (i8x16.extract_lane_u 15 (local.get $vb)))
            (local.set $lc (i8x16.extract_lane_u 15 (local.get $vc)))
            (local.set $ld (i8x16.extract_lane_u 15 (local.get $vd)))
            ;; lengths are <= 15 or 255, so the OR is 255 exactly when one of them is
            (br_if $quad_done (i32.eq (i32.const 255) (i32.or (i32.or (local.get $la) (local.get $lb)) (i32.or (local.get $lc) (local.get $ld)))))
            (v128.store (i32.add (local.get $out) (local.get $k)) (local.get $va))
            (local.set $k (i32.add (local.get $k) (local.get $la)))
            (v128.store (i32.add (local.get $out) (local.get $k)) (local.get $vb))
            (local.set $k (i32.add (local.get $k) (local.get $lb)))
            (v128.store (i32.add (local.get $out) (local.get $k)) (local.get $vc))
            (local.set $k (i32.add (local.get $k) (local.get $lc)))
            (v128.store (i32.add (local.get $out) (local.get $k)) (local.get $vd))
            (local.set $k (i32.add (local.get $k) (local.get $ld)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quad)))
        (loop $one
          (br_if $stop (i32.ge_u (local.get $i) (local.get $n)))
          (br_if $stop (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $cap)))
          (local.set $a (i32.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2)))))
          (br_if $stop (i32.ge_u (local.get $a) (local.get $V)))
          (local.set $va (v128.load (i32.add (local.get $table) (i32.shl (local.get $a) (i32.const 4)))))
          (local.set $la (i8x16.extract_lane_u 15 (local.get $va)))
          (br_if $stop (i32.eq (local.get $la) (i32.const 255)))
          (v128.store (i32.add (local.get $out) (local.get $k)) (local.get $va))
          (local.set $k (i32.add (local.get $k) (local.get $la)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $one (i32.and (local.get $i) (i32.const 3))))
        (br $outer)))
    (i32.store (i32.const 0) (local.get $k))
    (local.get $i)))
