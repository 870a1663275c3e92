// protocols: public exports of src/protocols.
export {};
