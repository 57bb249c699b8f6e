use super::*;

fn parts(raw: &str) -> (Top, Vec<(Head, Vec<u8>)>) {
    let mut out = Vec::new();
    let mut input = io::BufReader::new(raw.as_bytes());
    let top = walk(&mut input, &mut |h, body| {
        let mut b = Vec::new();
        body.read_to_end(&mut b)?;
        out.push((h.clone(), b));
        Ok(())
    })
    .unwrap();
    (top, out)
}

#[test]
fn a_plain_mail_is_one_text_part_with_its_encoded_subject() {
    let (top, p) = parts("Subject: =?utf-8?q?R=C3=A9union?=\r\n\r\nBonjour\r\n");
    assert_eq!(top.subject, "Réunion");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].0.mime, "text/plain");
    assert_eq!(p[0].1, b"Bonjour\r\n");
}

#[test]
fn multiparts_are_walked_with_decoded_bodies_and_file_names() {
    let raw = "Subject: s\r\nContent-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\n\
preamble\r\n--OUT\r\nContent-Type: multipart/alternative; boundary=IN\r\n\r\n\
--IN\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
Caf=E9 long =\r\nligne\r\n--IN\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--IN--\r\n\
--OUT\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\nAw==\r\n--OUT\r\nContent-Type: application/octet-stream\r\n\r\n\
binary\r\n\r\n--OUT--\r\nepilogue\r\n";
    let (_, p) = parts(raw);
    assert_eq!(p.len(), 4);
    assert_eq!(text(&p[0].1, &p[0].0.charset), "Café long ligne");
    assert_eq!(p[1].0.mime, "text/html");
    assert_eq!(p[1].1, b"<p>x</p>");
    assert!(p[2].0.attachment);
    assert_eq!(p[2].0.filename.as_deref(), Some("été.pdf"));
    assert_eq!(p[2].1, [0, 1, 2, 3]);
    // The line break before the boundary is the boundary's; the one before it is data.
    assert_eq!(p[3].1, b"binary\r\n");
}

#[test]
fn a_multipart_never_closed_or_without_boundary_is_malformed() {
    let mut input = io::BufReader::new(
        &b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nx\r\n"[..],
    );
    assert!(matches!(
        walk(&mut input, &mut |_, _| Ok(())),
        Err(MimeError::Malformed(_))
    ));
    let mut input = io::BufReader::new(&b"Content-Type: multipart/mixed\r\n\r\nx\r\n"[..]);
    assert!(walk(&mut input, &mut |_, _| Ok(())).is_err());
}
